import Foundation
import TendCore
